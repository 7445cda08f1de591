import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

public class Crash_a073c37b60a8811f5f173812aa16bab45f099322 {
    static final String base64Bytes = String.join("", "Y29udjJkKDIwMDAwMDAwLCAxKQ==");

    public static void main(String[] args) throws Throwable {
        Crash_a073c37b60a8811f5f173812aa16bab45f099322.class.getClassLoader().setDefaultAssertionStatus(true);
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