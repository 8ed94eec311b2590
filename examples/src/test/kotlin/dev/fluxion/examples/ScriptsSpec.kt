package dev.fluxion.examples

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * Every script in scripts/ runs through the launcher, `./fluxion script FILE`, exactly as a user
 * runs it, and prints what it demonstrates; so do the shell and the errors a script author meets.
 * The launcher gets this test JVM's class path (FLUXION_CLASSPATH), which holds every module just
 * built, so nothing is packaged or installed for it; the .main.kts scripts go through Kotlin's
 * scripting host, which the launcher fetches through Maven on first use.
 */
class ScriptsSpec : FunSpec({
    val root = generateSequence(File(System.getProperty("user.dir")).absoluteFile) { it.parentFile }
        .first { File(it, "fluxion").isFile && File(it, "scripts").isDirectory }
    val scripts = File(root, "scripts").listFiles { f -> f.name.endsWith(".java") || f.name.endsWith(".main.kts") }!!
        .sortedBy { it.name }

    // What each script must print, by name without its extension (the Java and Kotlin twins alike).
    val checks: Map<String, (String) -> Unit> = mapOf(
        "hello" to { out -> out.trim() shouldBe "Tensor[2](2.0, 4.0)" },
        "lv_fit" to { out ->
            val fitted = numbers(out.lineSequence().first { it.startsWith("fitted p = ") })
            fitted.size shouldBe 4
            for ((got, want) in fitted.zip(listOf(1.5, 1.0, 3.0, 1.0))) got shouldBe (want plusOrMinus 1e-3)
        },
        "neural_ode" to { out ->
            // loss BEFORE -> AFTER_ADAM (Adam) -> AFTER (L-BFGS)
            val losses = numbers(out.lineSequence().first { it.startsWith("loss ") })
            losses[2] shouldBeLessThan losses[0] / 1000
        },
        "custom_op" to { out ->
            numbers(out.lineSequence().first { it.startsWith("largest difference") }).single() shouldBeLessThan 1e-8
        },
    )

    test("scripts/ holds the Java and Kotlin scripts, each with a check here") {
        scripts.shouldNotBeEmpty()
        for (s in scripts) withClue(s.name) { checks.containsKey(s.name.substringBefore('.')) shouldBe true }
        for (name in checks.keys) for (ext in listOf(".java", ".main.kts")) File(root, "scripts/$name$ext").isFile shouldBe true
    }

    for (script in scripts) {
        test("./fluxion script scripts/${script.name}") {
            val r = fluxion(root, "script", "scripts/${script.name}")
            withClue(r.output) {
                r.exitCode shouldBe 0
                checks.getValue(script.name.substringBefore('.'))(r.output)
            }
        }
    }

    test("a Java script that does not compile: javac's own errors, no launcher stack trace") {
        val dir = Files.createTempDirectory("fluxion-script").toFile()
        File(dir, "Broken.java").writeText(
            """
            import dev.fluxion.tensor.Tensor;
            import dev.fluxion.tensor.NoSuchClass;
            public class Broken { public static void main(String[] args) { int n = Tensor.of(1.0); } }
            """.trimIndent()
        )
        val r = fluxion(dir, "script", "Broken.java", launcher = File(root, "fluxion"))
        withClue(r.output) {
            r.exitCode shouldNotBe 0
            r.output shouldContain "Broken.java:2: error: cannot find symbol"
            r.output shouldContain "NoSuchClass"
            r.output shouldContain "error: incompatible types"
            r.output shouldContain "error: compilation failed"
            r.output shouldNotContain "\tat "
        }
    }

    test("a Kotlin script that does not compile: the compiler's own errors, no launcher stack trace") {
        val dir = Files.createTempDirectory("fluxion-script").toFile()
        File(dir, "broken.main.kts").writeText(
            """
            import dev.fluxion.tensor.NoSuchClass
            val n: Int = dev.fluxion.tensor.Tensor.of(1.0)
            """.trimIndent()
        )
        val r = fluxion(dir, "script", "broken.main.kts", launcher = File(root, "fluxion"))
        withClue(r.output) {
            r.exitCode shouldNotBe 0
            r.output shouldContain "broken.main.kts:1:27: error: unresolved reference 'NoSuchClass'"
            r.output shouldContain "broken.main.kts:2:14: error: initializer type mismatch"
            r.output shouldNotContain "\tat "
        }
    }

    test("a script that fails at run time: Fluxion's message and the script's own frames") {
        val dir = Files.createTempDirectory("fluxion-script").toFile()
        File(dir, "mismatch.main.kts").writeText("dev.fluxion.tensor.Tensor.of(1.0, 2.0).matmul(dev.fluxion.tensor.Tensor.of(1.0, 2.0, 3.0))\n")
        val r = fluxion(dir, "script", "mismatch.main.kts", launcher = File(root, "fluxion"))
        withClue(r.output) {
            r.exitCode shouldNotBe 0
            r.output shouldContain "matmul: shapes [2] and [3] are not aligned"
            r.output shouldContain "(mismatch.main.kts:1)"
            r.output shouldNotContain "org.jetbrains.kotlin.cli"
        }
    }

    test("a Java older than 17 is named as the problem") {
        val bin = Files.createTempDirectory("old-java").toFile()
        File(bin, "java").apply {
            writeText("#!/bin/sh\necho '    java.specification.version = 11' >&2\necho 'openjdk version \"11.0.2\"' >&2\n")
            setExecutable(true)
        }
        val r = fluxion(root, "script", "scripts/lv_fit.java", path = "${bin.absolutePath}:${System.getenv("PATH")}")
        withClue(r.output) {
            r.exitCode shouldBe 1
            r.output shouldContain "Java 17 or newer is needed"
            r.output shouldContain "is Java 11"
        }
    }

    test("./fluxion shell: JShell with Fluxion's packages imported") {
        val r = fluxion(root, "shell", input = "var g = AD.gradient(q -> q.square().sum(), Tensor.of(1.0, 2.0));\nSystem.out.println(\"gradient \" + g);\n/exit\n")
        withClue(r.output) {
            r.exitCode shouldBe 0
            r.output shouldContain "gradient Tensor[2](2.0, 4.0)"
        }
    }
})

private class Run(val exitCode: Int, val output: String)

/** Runs `fluxion ARGS` in [dir] with this JVM's class path for Fluxion; stdout and stderr together. */
private fun fluxion(
    dir: File, vararg args: String, launcher: File = File(dir, "fluxion"), input: String = "", path: String? = null,
): Run {
    val pb = ProcessBuilder(listOf("bash", launcher.absolutePath) + args).directory(dir).redirectErrorStream(true)
    pb.environment()["FLUXION_CLASSPATH"] = System.getProperty("java.class.path")
    if (path != null) pb.environment()["PATH"] = path
    val p = pb.start()
    p.outputStream.use { it.write(input.toByteArray()) }
    val out = StringBuilder()
    val reader = Thread { out.append(p.inputStream.bufferedReader().readText()) }.apply { start() }
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.descendants().forEach { it.destroyForcibly() }
        p.destroyForcibly()
        p.waitFor()
    }
    reader.join()
    return Run(p.exitValue(), out.toString())
}

/** The decimal numbers in a line, in order. */
private fun numbers(line: String): List<Double> =
    Regex("""-?\d+\.\d+(?:[eE][-+]?\d+)?""").findAll(line).map { it.value.toDouble() }.toList()
