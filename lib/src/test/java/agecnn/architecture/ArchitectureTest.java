package agecnn.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library's packages depend on each other one way only, from the settings and the data up
 * to the run and the notebook layer (the layers below, bottom first). A class that reaches
 * upwards, or a cycle between any two packages, fails the build with the classes and the
 * dependency that broke the rule. Checked on the compiled library classes (not the tests).
 */
class ArchitectureTest {

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("agecnn");
    }

    @Test
    void noPackageCycles() {
        ArchRule rule = slices().matching("agecnn.(**)").should().beFreeOfCycles();
        rule.check(library);
    }

    /** The layers, bottom first; each may use only those below it. */
    static Architectures.LayeredArchitecture layers() {
        return Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("io").definedBy("agecnn.io..")
                .layer("config").definedBy("agecnn.config..")
                .layer("data").definedBy("agecnn.data..")
                .layer("tensors").definedBy("agecnn.tensors..")
                .layer("nets").definedBy("agecnn.nets..")
                .layer("eval").definedBy("agecnn.eval..")
                .layer("train").definedBy("agecnn.train..")
                .layer("run").definedBy("agecnn.run..")
                .layer("explore").definedBy("agecnn.explore..")
                .layer("predict").definedBy("agecnn.predict..")
                .layer("serve").definedBy("agecnn.serve..")
                .layer("notebook").definedBy("agecnn.notebook..")
                .whereLayer("notebook").mayNotBeAccessedByAnyLayer()
                .whereLayer("serve").mayOnlyBeAccessedByLayers("notebook")
                .whereLayer("predict").mayOnlyBeAccessedByLayers("serve", "notebook")
                .whereLayer("explore").mayOnlyBeAccessedByLayers("notebook")
                .whereLayer("run").mayOnlyBeAccessedByLayers("predict", "serve", "notebook")
                .whereLayer("train").mayOnlyBeAccessedByLayers("run", "explore", "predict", "serve", "notebook")
                .whereLayer("eval").mayOnlyBeAccessedByLayers("train", "run", "predict", "serve", "notebook")
                .whereLayer("nets").mayOnlyBeAccessedByLayers("eval", "train", "run", "predict", "serve", "notebook")
                .whereLayer("tensors").mayOnlyBeAccessedByLayers("nets", "eval", "train", "run", "explore", "predict", "serve", "notebook")
                .whereLayer("data").mayOnlyBeAccessedByLayers("tensors", "nets", "eval", "train", "run", "explore", "predict", "serve", "notebook")
                .whereLayer("config").mayOnlyBeAccessedByLayers("data", "tensors", "nets", "eval", "train", "run", "explore", "predict",
                        "serve", "notebook")
                .whereLayer("io").mayOnlyBeAccessedByLayers("config", "data", "tensors", "nets", "eval", "train", "run", "explore",
                        "predict", "serve", "notebook");
    }

    @Test
    void packagesDependOneWayOnly() {
        layers().check(library);
    }

    @Test
    void libraryCodeNeverUsesTheNotebookLayer() {
        noClasses().that().resideOutsideOfPackage("agecnn.notebook..")
                .should().dependOnClassesThat().resideInAPackage("agecnn.notebook..")
                .check(library);
    }

    @Test
    void withinNetsBackbonesAndWeightsSitAboveTheNetworkParts() {
        noClasses().that().resideInAPackage("agecnn.nets.weights..")
                .should().dependOnClassesThat().resideInAPackage("agecnn.nets.backbones..")
                .check(library);
    }
}
