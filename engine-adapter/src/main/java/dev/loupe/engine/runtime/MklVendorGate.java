package dev.loupe.engine.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Lifts Intel MKL's vendor gate on AMD (and other non-Intel x86) processors, so libtorch's sgemm takes MKL's
 * AVX2 / AVX-512 kernels instead of its generic path (measured on this project's AMD EPYC: 77-80 GFLOP/s per core
 * before, 184-207 after; see docs/decisions/0008). MKL decides by calling {@code mkl_serv_intel_cpu_true}, which
 * libtorch_cpu exports; its first six bytes are replaced with {@code mov eax, 1; ret}. MKL caches the answer at
 * its first GEMM, so this must run after libtorch is loaded and before anything multiplies a matrix.
 *
 * <p>Where it cannot apply (an Intel CPU, not x86-64 Linux, no such symbol, {@code mprotect} refused, or opted
 * out with {@code -Dloupe.mkl.vendorOverride=off} / {@code LOUPE_MKL_VENDOR_OVERRIDE=off}) nothing is written and
 * {@link Status} says why.
 */
final class MklVendorGate {
    static final String SYMBOL = "mkl_serv_intel_cpu_true";
    static final String OPT_OUT_PROPERTY = "loupe.mkl.vendorOverride";
    static final String OPT_OUT_ENV = "LOUPE_MKL_VENDOR_OVERRIDE";
    /** mov eax, 1; ret */
    private static final byte[] RETURN_ONE = {(byte) 0xB8, 0x01, 0x00, 0x00, 0x00, (byte) 0xC3};
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int PROT_EXEC = 4;

    /** What was done, for {@code info} and the About box. */
    record Status(boolean applied, String description) {
    }

    /** The facts the decision rests on, apart so the decision is testable on any machine. */
    record Platform(String os, String arch, String cpuVendor, boolean optedOut) {
        static Platform current() {
            String prop = System.getProperty(OPT_OUT_PROPERTY, "");
            String env = Optional.ofNullable(System.getenv(OPT_OUT_ENV)).orElse("");
            boolean off = isOff(prop) || isOff(env);
            return new Platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""), MklVendorGate.cpuVendor(), off);
        }

        private static boolean isOff(String v) {
            String s = v.strip().toLowerCase(Locale.ROOT);
            return s.equals("off") || s.equals("false") || s.equals("0") || s.equals("no");
        }
    }

    private interface LibC extends Library {
        int mprotect(Pointer addr, long len, int prot);

        int getpagesize();
    }

    private MklVendorGate() {
    }

    /** Why the override does not apply here, or empty when it should be tried. */
    static Optional<String> notApplicable(Platform p) {
        if (p.optedOut()) {
            return Optional.of("MKL's own CPU dispatch (vendor override switched off by " + OPT_OUT_PROPERTY + " / "
                    + OPT_OUT_ENV + ")");
        }
        if (!p.os().toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("the native library's own GEMM dispatch (the MKL vendor override is Linux-only)");
        }
        if (!(p.arch().equals("amd64") || p.arch().equals("x86_64"))) {
            return Optional.of("the native library's own GEMM dispatch (not an x86-64 CPU)");
        }
        if (p.cpuVendor().equals("GenuineIntel")) {
            return Optional.of("MKL's own CPU dispatch (an Intel CPU needs no override)");
        }
        if (p.cpuVendor().isEmpty()) {
            return Optional.of("MKL's own CPU dispatch (the CPU vendor could not be read)");
        }
        return Optional.empty();
    }

    /** Patches the loaded libtorch_cpu if it applies; never throws. */
    static Status apply(Platform platform) {
        Optional<String> skip = notApplicable(platform);
        if (skip.isPresent()) {
            return new Status(false, skip.get());
        }
        String generic = "MKL's generic path on this " + platform.cpuVendor() + " CPU (";
        Optional<Path> torch = loadedLibrary("libtorch_cpu.so");
        if (torch.isEmpty()) {
            return new Status(false, generic + "libtorch_cpu.so is not loaded)");
        }
        Pointer entry;
        try {
            entry = NativeLibrary.getInstance(torch.get().toString()).getFunction(SYMBOL);
        } catch (UnsatisfiedLinkError e) {
            return new Status(false, generic + "this libtorch has no " + SYMBOL + ")");
        }
        // Only the function shape this was measured on: "mov eax, [rip + cache]; test eax, eax; js ...". Its cache
        // is negative until MKL first asks; after that, MKL has chosen its kernels and a patch would change nothing.
        byte[] head = entry.getByteArray(0, 9);
        if (head[0] != (byte) 0x8B || head[1] != 0x05 || head[6] != (byte) 0x85 || head[7] != (byte) 0xC0
                || head[8] != 0x78) {
            return new Status(false, generic + SYMBOL + " is not the function this override knows)");
        }
        int cached = entry.share(6 + entry.getInt(2)).getInt(0);
        if (cached >= 0) {
            return new Status(false, generic + "MKL chose its kernels before Loupe could lift the vendor gate)");
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            long page = libc.getpagesize();
            long address = Pointer.nativeValue(entry);
            long start = address & -page;
            long length = ((address + RETURN_ONE.length - start + page - 1) / page) * page;
            Pointer pageStart = new Pointer(start);
            if (libc.mprotect(pageStart, length, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
                return new Status(false, generic + "the system refused to make MKL's code writable)");
            }
            try {
                entry.write(0, RETURN_ONE, 0, RETURN_ONE.length);
            } finally {
                libc.mprotect(pageStart, length, PROT_READ | PROT_EXEC);
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Status(false, generic + "the override could not be written: " + e.getMessage() + ")");
        }
        return new Status(true, "MKL's AVX2/AVX-512 kernels on this " + platform.cpuVendor()
                + " CPU (vendor gate lifted; off with -D" + OPT_OUT_PROPERTY + "=off)");
    }

    /** The full path of a shared library this process has mapped, from /proc/self/maps. */
    static Optional<Path> loadedLibrary(String fileName) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.endsWith("/" + fileName)) {
                    return Optional.of(Path.of(line.substring(slash)));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** vendor_id from /proc/cpuinfo ("AuthenticAMD", "GenuineIntel"), or "" where it cannot be read. */
    static String cpuVendor() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("vendor_id")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return "";
    }
}
