package org.dlbench.core.variant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.dlbench.core.result.ResultsIO;
import org.junit.jupiter.api.Test;

/** Variants and variant records through the runner's JSON mapper, as a describe answer and a result will carry them. */
class VariantJsonTest {

    @Test
    void aVariantRoundTripsAndKeepsItsChecks() throws Exception {
        Variant v = VariantTest.avx512();
        String json = ResultsIO.JSON.writeValueAsString(v);
        JsonNode tree = ResultsIO.JSON.readTree(json);
        assertEquals("NATIVE_BUILD", tree.get("kind").asText());
        assertEquals("-avx512", tree.get("system_properties").get("org.bytedeco.javacpp.platform.extension").asText());
        assertEquals(5, tree.get("required_cpu_flags").size());
        assertEquals(v, ResultsIO.JSON.readValue(json, Variant.class));

        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("name", "best");
        String reserved = ResultsIO.JSON.writeValueAsString(tree);
        Exception e = assertThrows(Exception.class, () -> ResultsIO.JSON.readValue(reserved, Variant.class));
        assertTrue(String.valueOf(e.getMessage()).contains("'best' is a --variants keyword"), e.getMessage());
    }

    @Test
    void aRecordUsesSnakeCase() throws Exception {
        VariantRecord r = new VariantRecord("avx512", "native_build", List.of("best", "shipped"), "best: avx512",
                "nd4j-variants/target/classpath-avx512.txt", List.of("-Dk=v"), Map.of("OMP_WAIT_POLICY", "PASSIVE"));
        JsonNode tree = ResultsIO.JSON.readTree(ResultsIO.JSON.writeValueAsString(r));
        assertEquals("-Dk=v", tree.get("jvm_args").get(0).asText());
        assertEquals(r, ResultsIO.JSON.treeToValue(tree, VariantRecord.class));
    }
}
