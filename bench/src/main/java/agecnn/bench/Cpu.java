package agecnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CPU the figures come from: its model name and the vector extensions that decide which
 * kernels OneDNN, OpenBLAS and PyTorch pick (read from {@code /proc/cpuinfo}), and, when the
 * benchmark was told to stay below them ({@code --isa}), the instruction set it was held to.
 * The same commit gives a DL4J/PyTorch ratio of 0.81 on an AVX-512 Xeon and 0.67 on an AVX2 EPYC,
 * so no figure is worth printing without this line.
 */
record Cpu(String model, List<String> extensions, Isa heldTo) {

    /** How far up the instruction sets the measuring processes may go. */
    enum Isa {
        /** whatever the CPU has */
        NATIVE,
        /** AVX2 at most, as on the AVX2-only machines of this project's kind (an AMD EPYC among them) */
        AVX2
    }

    /** The extensions worth naming, in order of age; the others do not change the kernels chosen. */
    static final List<String> NAMED = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
            "avx512_vnni", "avx512_bf16", "amx_tile");

    /**
     * The instruction-set ceilings {@code --isa} sets for each measuring process: OneDNN (DL4J's
     * and PyTorch's, under both names it reads), PyTorch's own kernels, and OpenBLAS's kernels
     * (DL4J's dense layers). Each library then picks the kernels it would pick on such a CPU.
     */
    static Map<String, String> ceiling(Isa isa) {
        return switch (isa) {
            case AVX2 -> Map.of("DNNL_MAX_CPU_ISA", "AVX2", "ONEDNN_MAX_CPU_ISA", "AVX2",
                    "ATEN_CPU_CAPABILITY", "avx2", "OPENBLAS_CORETYPE", "Haswell");
            case NATIVE -> Map.of();
        };
    }

    /** This machine's CPU, from {@code /proc/cpuinfo}; "unknown" where it cannot be read. */
    static Cpu here(Isa isa) {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")), isa);
        } catch (IOException e) {
            return new Cpu("unknown (" + e.getMessage() + ")", List.of(), isa);
        }
    }

    /** The first processor's model name and flags in a {@code /proc/cpuinfo} text. */
    static Cpu parse(String cpuinfo, Isa isa) {
        String model = "unknown";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown")) model = value.replaceAll("\\s+", " ");
            if (key.equals("flags") && flags.isEmpty()) flags = Set.of(value.split("\\s+"));
        }
        List<String> named = new ArrayList<>();
        for (String f : NAMED) if (flags.contains(f)) named.add(f);
        return new Cpu(model, named, isa);
    }

    /** One line, e.g. {@code CPU: Intel Xeon ... (avx2 fma avx512f ...); kernels held to AVX2}. */
    String line() {
        String held = heldTo == Isa.NATIVE ? "kernels as the CPU allows"
                : "kernels held to " + heldTo + " (" + String.join(" ", ceiling(heldTo).entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList()) + ")";
        return "CPU: " + model + " (" + (extensions.isEmpty() ? "no vector extensions read" : String.join(" ", extensions)) + "); " + held;
    }
}
