package io.cnnkit.osgitest.report;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Build step after the bnd-testing runs (bnd-testing prints no counts): reads the JUnit XML
 * of each run under {@code <reports>/<run>/} and prints one line
 * {@code osgi: N passed, N failed, N skipped} over all runs. Fails (exception, so Maven fails)
 * when a test failed or errored, when a test was skipped (no OSGi test has a reason to skip: a
 * skip would hide a check; name an expected one with {@code --allow-skip=Class.method}), when a
 * run wrote no report, or when nothing passed.
 *
 * <p>Arguments: the reports directory, then the run names (the bndrun file names), any
 * {@code --allow-skip=} options, and {@code --label=NAME} for the line's first word (default
 * {@code osgi}; the Eclipse check in eclipse/test prints {@code eclipse: ...}).
 */
public final class OsgiCount {
    private OsgiCount() {
    }

    /** Counts of one run. */
    record Counts(int passed, int failed, int skipped, List<String> failures, List<String> skips) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: OsgiCount <reports dir> <run name>...");
        }
        File reports = new File(args[0]);
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<String> problems = new ArrayList<>();
        List<String> allowed = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        String label = "osgi";
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--label=")) {
                label = args[i].substring("--label=".length());
            } else if (args[i].startsWith("--allow-skip=")) {
                allowed.add(args[i].substring("--allow-skip=".length()));
            } else {
                runs.add(args[i]);
            }
        }
        for (String run : runs) {
            File dir = new File(reports, run);
            File[] xml = dir.listFiles((d, n) -> n.endsWith(".xml"));
            if (xml == null || xml.length == 0) {
                problems.add(run + ": no JUnit XML in " + dir + " (the framework did not start or the tester"
                        + " found no Test-Cases; see the bnd-testing output above)");
                continue;
            }
            for (File f : xml) {
                Counts c = count(f);
                passed += c.passed();
                failed += c.failed();
                skipped += c.skipped();
                for (String t : c.failures()) {
                    problems.add(run + ": " + t);
                }
                for (String t : c.skips()) {
                    if (allowed.stream().noneMatch(t::startsWith)) {
                        problems.add(run + ": unexpected skip " + t);
                    }
                }
            }
        }
        System.out.println(label + ": " + passed + " passed, " + failed + " failed, " + skipped + " skipped");
        if (failed > 0 || !problems.isEmpty() || passed == 0) {
            if (passed == 0 && problems.isEmpty()) {
                problems.add("no OSGi test passed (0 tests ran)");
            }
            throw new IllegalStateException("OSGi tests failed:\n  " + String.join("\n  ", problems));
        }
    }

    /** One JUnit XML file: a {@code testsuite} (or {@code testsuites}) of {@code testcase} elements. */
    static Counts count(File file) throws IOException, SAXException, ParserConfigurationException {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = dbf.newDocumentBuilder().parse(file);
        NodeList cases = doc.getElementsByTagName("testcase");
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        List<String> failures = new ArrayList<>();
        List<String> skips = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element tc = (Element) cases.item(i);
            String name = tc.getAttribute("classname") + "." + tc.getAttribute("name");
            String outcome = outcome(tc);
            switch (outcome) {
                case "failure", "error" -> {
                    failed++;
                    failures.add(name + " " + outcome + ": " + message(tc, outcome));
                }
                case "skipped" -> {
                    skipped++;
                    skips.add(name + ": " + message(tc, outcome));
                }
                default -> passed++;
            }
        }
        return new Counts(passed, failed, skipped, failures, skips);
    }

    private static String outcome(Element tc) {
        for (Node n = tc.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                switch (e.getTagName()) {
                    case "failure", "error", "skipped" -> {
                        return e.getTagName();
                    }
                    default -> { }
                }
            }
        }
        return "passed";
    }

    private static String message(Element tc, String tag) {
        Element e = (Element) tc.getElementsByTagName(tag).item(0);
        String m = e.getAttribute("message");
        if (m.isEmpty()) {
            m = e.getTextContent().strip().lines().findFirst().orElse("");
        }
        return m;
    }
}
