package dev.loupe.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md, enforced on the compiled classes (JabRef's way): dependencies point one way, JavaFX
 * stays in the UI, DJL stays out of it, results are plain data, plugins stand alone, and view models are tested
 * without a scene.
 */
class ArchitectureTest {
    private static JavaClasses loupe;

    @BeforeAll
    static void importClasses() {
        loupe = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.loupe");
    }

    @Test
    void javaFxOnlyInViewersAndTheAppUi() {
        noClasses().that().resideOutsideOfPackages("dev.loupe.viewers..", "dev.loupe.app.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree.chart.fx..")
                .check(loupe);
    }

    @Test
    void noDjlInViewersOrTheAppUi() {
        noClasses().that().resideInAnyPackage("dev.loupe.viewers..", "dev.loupe.app.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..")
                .check(loupe);
    }

    /** Viewers may use the engine module's file writer (dev.loupe.engine.io), nothing that knows a model. */
    @Test
    void viewersKnowNoModel() {
        noClasses().that().resideInAPackage("dev.loupe.viewers..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.loupe.engine..", "dev.loupe.app..")
                        .and(not(resideInAPackage("dev.loupe.engine.io"))))
                .check(loupe);
    }

    /**
     * Results are plain data: nothing in the result package touches DJL or the model. Their codecs may use the
     * engine's file formats (safetensors is how sessions store arrays), which are DJL-free; that is held too.
     */
    @Test
    void resultsArePlainData() {
        noClasses().that().resideInAPackage("dev.loupe.plugin.result..")
                .should().dependOnClassesThat(resideInAnyPackage("ai.djl..", "dev.loupe.engine..")
                        .and(not(resideInAPackage("dev.loupe.engine.format"))))
                .check(loupe);
        noClasses().that().resideInAPackage("dev.loupe.engine.format..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..")
                .check(loupe);
    }

    @Test
    void dependenciesPointOneWay() {
        noClasses().that().resideInAPackage("dev.loupe.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loupe.plugin..", "dev.loupe.plugins..",
                        "dev.loupe.viewers..", "dev.loupe.app..")
                .check(loupe);
        noClasses().that().resideInAnyPackage("dev.loupe.plugin..", "dev.loupe.plugins..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loupe.viewers..", "dev.loupe.app..")
                .check(loupe);
    }

    /** Each plugin is its own jar in its own class loader: one calling another breaks once they ship apart. */
    @Test
    void pluginsDoNotDependOnEachOther() {
        slices().matching("dev.loupe.plugins.(*)..").should().notDependOnEachOther().check(loupe);
    }

    /** The session store and the task lane are used headless by the CLI: they must not need the desktop UI. */
    @Test
    void sessionsAndTasksKnowNoUi() {
        noClasses().that().resideInAnyPackage("dev.loupe.app.session..", "dev.loupe.app.task..")
                .should().dependOnClassesThat().resideInAPackage("dev.loupe.app.ui..")
                .check(loupe);
    }

    /** View models hold properties, never nodes, so they are tested with JUnit alone (nested classes included). */
    @Test
    void viewModelsTouchNoScene() {
        noClasses().that().haveNameMatching(".*ViewModel(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("javafx.scene..")
                .check(loupe);
    }
}
