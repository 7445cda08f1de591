package io.cnnkit.launcher.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cnnkit.engine.api.Engines;
import io.cnnkit.engine.api.ModelException;
import io.cnnkit.engine.api.StandaloneEngine;
import io.cnnkit.io.api.LoadOptions;

/** The command service layer on a standalone engine with the test layer type "scale". */
class CnnCommandsTest {
    static final String JSON = "{\"name\": \"m\", \"input_shape\": [4, 4, 3], \"layers\": ["
            + "{\"type\": \"scale\", \"name\": \"s1\", \"factor\": 2},"
            + "{\"type\": \"scale\", \"name\": \"s2\"}]}";

    @TempDir
    Path dir;
    StandaloneEngine engine;
    ScaleProvider scale;
    CnnCommands cmd;

    @BeforeEach
    void setUp() {
        engine = Engines.standalone();
        scale = new ScaleProvider();
        engine.register(scale);
        cmd = new CnnCommands(engine, new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void tearDown() {
        cmd.close();
        engine.close();
    }

    Path modelFile() throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, JSON);
        return f;
    }

    @Test
    void typesListsProviderAndOrigin() {
        Results.Types t = cmd.types();
        assertEquals(1, t.rows().size());
        Results.Provider p = t.rows().get(0);
        assertEquals("layer", p.kind());
        assertEquals("scale", p.name());
        assertEquals(ScaleProvider.class.getName(), p.origin());
        assertTrue(t.toString().contains("scale"), t.toString());
    }

    @Test
    void typesOnEmptyEngineSaysWhatToDo() {
        engine.unregister(scale);
        assertTrue(cmd.types().toString().contains("no layer types"));
    }

    @Test
    void loadsJsonFileAndSummarises() throws Exception {
        Results.Loaded l = cmd.load("m1", modelFile().toString(), null, null, null);
        assertEquals("m1", l.name());
        assertEquals(2, l.layers());
        assertEquals(2, l.params());
        assertEquals("(None, 4, 4, 3)", l.inputShape().toString());
        String s = cmd.summary("m1").toString();
        assertTrue(s.contains("Model: \"m1\""), s);
        assertTrue(s.contains("s1 (scale)"), s);
        assertTrue(s.contains("Total params: 2"), s);
    }

    @Test
    void loadReplacesAModelOfTheSameName() throws Exception {
        cmd.load("m1", modelFile().toString(), null, null, null);
        cmd.load("m1", modelFile().toString(), null, null, 7L);
        assertEquals(1, cmd.models().models().size());
        assertEquals(7L, cmd.model("m1").description().seed());
        assertEquals(1, engine.models().size(), "the replaced model is closed");
    }

    @Test
    void modelsShowReadyAndUnavailableWithReason() throws Exception {
        cmd.load("m1", modelFile().toString(), null, null, null);
        assertTrue(cmd.models().models().get(0).ready());
        engine.unregister(scale);
        Results.ModelState st = cmd.models().models().get(0);
        assertFalse(st.ready());
        assertTrue(st.reason().contains("scale"), st.reason());
        assertTrue(cmd.models().toString().contains("unavailable"), cmd.models().toString());
        engine.register(new ScaleProvider());
        assertTrue(cmd.models().models().get(0).ready(), "recovers when the type returns");
    }

    @Test
    void unknownModelNameListsLoadedOnes() throws Exception {
        cmd.load("m1", modelFile().toString(), null, null, null);
        CommandException e = assertThrows(CommandException.class, () -> cmd.summary("m2"));
        assertTrue(e.getMessage().contains("'m2'") && e.getMessage().contains("m1"), e.getMessage());
        assertTrue(e.hint().contains("cnn:load"), e.hint());
    }

    @Test
    void invalidNameIsRefused() {
        CommandException e = assertThrows(CommandException.class, () -> cmd.load("a b", JSON, null, null, null));
        assertTrue(e.getMessage().contains("invalid model name"), e.getMessage());
    }

    @Test
    void missingFilesAreClearErrors() throws Exception {
        CommandException e = assertThrows(CommandException.class,
                () -> cmd.load("m", dir.resolve("nope.json").toString(), null, null, null));
        assertTrue(e.getMessage().startsWith("no such model file"), e.getMessage());
        e = assertThrows(CommandException.class,
                () -> cmd.load("m", modelFile().toString(), dir.resolve("w.h5"), LoadOptions.BY_NAME, null));
        assertTrue(e.getMessage().startsWith("no such weights file"), e.getMessage());
        assertTrue(cmd.models().models().isEmpty(), "nothing half-loaded");
        cmd.load("m", modelFile().toString(), null, null, null);
        e = assertThrows(CommandException.class, () -> cmd.run("m", dir.resolve("x.png"), null));
        assertTrue(e.getMessage().startsWith("no such image"), e.getMessage());
        e = assertThrows(CommandException.class, () -> cmd.weightsShow(dir.resolve("x.h5")));
        assertTrue(e.getMessage().startsWith("no such weights file"), e.getMessage());
        e = assertThrows(CommandException.class, () -> cmd.weightsLoad("m", dir, LoadOptions.BY_NAME));
        assertTrue(e.hint().contains("folder"), e.hint());
    }

    @Test
    void inlineJsonIsADescriptionAndEngineErrorsPassThrough() {
        assertEquals(2, cmd.load("m", JSON, null, null, null).layers());
        ModelException e = assertThrows(ModelException.class,
                () -> cmd.load("m", "{\"layers\": [{\"type\": \"conv9d\"}]}", null, null, null));
        assertTrue(e.getMessage().contains("conv9d"), e.getMessage());
    }

    @Test
    void modelFileErrorsNameTheFile() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"layers\": [{\"type\": \"scale\",, }]}");
        ModelException e = assertThrows(ModelException.class, () -> cmd.load("m", bad.toString(), null, null, null));
        assertTrue(e.getMessage().startsWith(bad + ": malformed JSON"), e.getMessage());
        Files.writeString(bad, "{\"input_shape\": [4, 4, 3], \"layers\": [{\"type\": \"conv9d\"}]}");
        e = assertThrows(ModelException.class, () -> cmd.load("m", bad.toString(), null, null, null));
        assertTrue(e.getMessage().startsWith(bad + ": ") && e.getMessage().contains("conv9d"), e.getMessage());
        Files.writeString(bad, "[1, 2, 3]");
        CommandException c = assertThrows(CommandException.class, () -> cmd.load("m", bad.toString(), null, null, null));
        assertTrue(c.getMessage().startsWith(bad + ": not a JSON object"), c.getMessage());
    }

    @Test
    void unknownKernelListsTheNamedOnes() {
        CommandException e = assertThrows(CommandException.class,
                () -> cmd.filter(dir.resolve("x.png"), "blur", FilterCommand.FilterParams.DEFAULT));
        assertTrue(e.hint().contains("sharpen5") && e.hint().contains("sobel_x"), e.hint());
        CommandException typo = assertThrows(CommandException.class,
                () -> cmd.filter(dir.resolve("x.png"), "laplacain", null));
        assertEquals("unknown kernel 'laplacain'; did you mean 'laplacian'?", typo.getMessage());
    }

    @Test
    void negativeThreadsAreRefused() throws Exception {
        cmd.load("m", modelFile().toString(), null, null, null);
        CommandException e = assertThrows(CommandException.class, () -> cmd.run("m", dir.resolve("x.png"),
                new RunCommand.RunParams(null, false, -1, 1, false, false, false)));
        assertTrue(e.getMessage().contains("--threads"), e.getMessage());
    }

    @Test
    void unloadForgetsTheModel() throws Exception {
        cmd.load("m", modelFile().toString(), null, null, null);
        assertTrue(cmd.unload("m"));
        assertFalse(cmd.unload("m"));
        assertTrue(cmd.models().toString().contains("no models"));
    }
}
