package agecnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeedBenchTest {

    @Test
    void parsesTheWorkersJsonLine() {
        Map<String, String> m = SpeedBench.parse(
                "{\"engine\": \"pytorch 1.13\", \"size\": 64, \"train_ips\": 150.5, \"helpers\": true}");
        assertEquals("pytorch 1.13", m.get("engine"));
        assertEquals("150.5", m.get("train_ips"));
        assertEquals("64", m.get("size"));
    }

    @Test
    void tableEndsWithTheWorstMedianTrainRatio() {
        BenchOptions o = BenchOptions.parse(new String[] {"--sizes", "64,128"});
        Map<Integer, List<Map<String, String>>> dl4j = Map.of(
                64, List.of(run("dl4j", 80, 300), run("dl4j", 90, 300), run("dl4j", 85, 300)),
                128, List.of(run("dl4j", 20, 60)));
        Map<Integer, List<Map<String, String>>> torch = Map.of(
                64, List.of(run("torch", 100, 300), run("torch", 100, 300), run("torch", 100, 300)),
                128, List.of(run("torch", 40, 60)));
        String table = SpeedBench.table(o, dl4j, torch);
        String[] lines = table.strip().split("\n");
        assertEquals("train ratio: 0.500", lines[lines.length - 1]);
        assertTrue(table.contains("85.0 [80.0-90.0]"), table);
    }

    private static Map<String, String> run(String engine, double train, double infer) {
        return Map.of("engine", engine, "train_ips", "" + train, "infer_ips", "" + infer,
                "train_ips_best", "" + train, "infer_ips_best", "" + infer, "peak_rss_mb", "500");
    }
}
