package agecnn.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTest {

    static final String CPUINFO = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC   7B13 64-Core Processor
            flags\t\t: fpu sse4_2 avx fma avx2 sha_ni
            
            processor\t: 1
            model name\t: something else
            flags\t\t: avx512f
            """;

    @Test
    void theFirstProcessorsModelAndTheExtensionsThatChooseKernels() {
        Cpu cpu = Cpu.parse(CPUINFO, Cpu.Isa.NATIVE);
        assertEquals("AMD EPYC 7B13 64-Core Processor", cpu.model());
        assertEquals(List.of("sse4_2", "avx", "avx2", "fma"), cpu.extensions(), "in NAMED's order, only the first processor's");
        assertEquals("CPU: AMD EPYC 7B13 64-Core Processor (sse4_2 avx avx2 fma); kernels as the CPU allows", cpu.line());
    }

    @Test
    void heldToAvx2NamesEveryCeilingItSets() {
        assertEquals(Map.of("DNNL_MAX_CPU_ISA", "AVX2", "ONEDNN_MAX_CPU_ISA", "AVX2", "ATEN_CPU_CAPABILITY", "avx2",
                "OPENBLAS_CORETYPE", "Haswell"), Cpu.ceiling(Cpu.Isa.AVX2));
        assertEquals(Map.of(), Cpu.ceiling(Cpu.Isa.NATIVE));
        String line = Cpu.parse(CPUINFO, Cpu.Isa.AVX2).line();
        assertTrue(line.endsWith("kernels held to AVX2 (ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 "
                + "OPENBLAS_CORETYPE=Haswell)"), line);
    }

    @Test
    void anUnreadableCpuinfoStillGivesALine() {
        assertEquals("CPU: unknown (no vector extensions read); kernels as the CPU allows", Cpu.parse("", Cpu.Isa.NATIVE).line());
    }
}
