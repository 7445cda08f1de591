import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

public class Crash_e7e154c1bf8445cc9b3e88612147b9818ee89a3f {
    static final String base64Bytes = String.join("", "ewogIm5hbWUiOiAiYmFkIiwKICJpbnB1dF9zaGFwZSI6IFsKICAyMDAwMDAwMDAwLAogIDIwMDAwMDAwMDAsCiAgMwogXSwKICJsYXllcnMiOiBbCiAgewogICAidHlwZSI6ICJjb252MmQiLAogICAiZmlsdGVycyI6IDIsCiAgICJrZXJuZWxfc2l6ZSI6IDMKICB9CiBdCn0=");

    public static void main(String[] args) throws Throwable {
        Crash_e7e154c1bf8445cc9b3e88612147b9818ee89a3f.class.getClassLoader().setDefaultAssertionStatus(true);
        try {
            Method fuzzerInitialize = io.cnnkit.reliability.FuzzTargets$Description.class.getMethod("fuzzerInitialize");
            fuzzerInitialize.invoke(null);
        } catch (NoSuchMethodException ignored) {
            try {
                Method fuzzerInitialize = io.cnnkit.reliability.FuzzTargets$Description.class.getMethod("fuzzerInitialize", String[].class);
                fuzzerInitialize.invoke(null, (Object) args);
            } catch (NoSuchMethodException ignored1) {
            } catch (IllegalAccessException | InvocationTargetException e) {
                e.printStackTrace();
                System.exit(1);
            }
        } catch (IllegalAccessException | InvocationTargetException e) {
            e.printStackTrace();
            System.exit(1);
        }
        byte[] input = java.util.Base64.getDecoder().decode(base64Bytes);
        io.cnnkit.reliability.FuzzTargets$Description.fuzzerTestOneInput(input);
    }
}