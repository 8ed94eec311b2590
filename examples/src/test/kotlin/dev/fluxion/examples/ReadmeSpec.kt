package dev.fluxion.examples

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.examples.readme.AdApiJava
import dev.fluxion.examples.readme.CustomOpJava
import dev.fluxion.examples.readme.NeuralOdeJava
import dev.fluxion.examples.readme.QuickStartJava
import dev.fluxion.examples.readme.SdeQuickStartJava
import dev.fluxion.examples.readme.quickStartKotlin
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.io.File
import kotlin.math.tanh

/**
 * The README's code is tested: every ```java and ```kotlin block of README.md must be, verbatim
 * (up to indentation and trailing spaces), a region marked `// README:begin NAME` … `// README:end`
 * in a file of examples/src/main/{java,kotlin}/dev/fluxion/examples/readme (a region may come in
 * several parts, joined in order); those files compile with this module and the tests below run
 * each of them. A block may instead be a whole script of scripts/, which ScriptsSpec runs and
 * checks. Every `./fluxion COMMAND` in a ```bash block must be a command of the launcher. Build
 * files for other projects (```xml, ```gradle) are configuration for a build tool this project
 * does not run, so they are not compiled.
 */
class ReadmeSpec : FunSpec({
    val root = generateSequence(File("").absoluteFile) { it.parentFile }
        .first { File(it, "README.md").isFile && File(it, "fluxion").isFile }
    val readme = File(root, "README.md").readText()
    val snippetDirs = listOf("java", "kotlin").map { File(root, "examples/src/main/$it/dev/fluxion/examples/readme") }
    val snippetFiles = snippetDirs.flatMap { d -> d.listFiles().orEmpty().filter { it.isFile }.toList() }
    val regions: Map<String, Pair<String, String>> = snippetFiles.flatMap { f -> markedRegions(f.readText()).map { (name, text) -> name to (f.name to text) } }.toMap()
    // the files whose regions the tests below run; a new snippet file must be added here (and run)
    val runHere = setOf("QuickStartJava.java", "QuickStartKotlin.kt", "NeuralOdeJava.java", "AdApiJava.java", "CustomOpJava.java", "SdeQuickStartJava.java", "EnsembleJava.java")

    test("every java and kotlin block of README.md is a marked region of a tested snippet file") {
        val blocks = fencedBlocks(readme, setOf("java", "kotlin"))
        blocks.isEmpty() shouldBe false
        val scriptTexts = File(root, "scripts").listFiles { f -> f.name.endsWith(".java") || f.name.endsWith(".main.kts") }!!
            .map { normalise(it.readText()) }
        val texts = regions.values.map { it.second }.toSet() + scriptTexts
        val untested = blocks.filter { normalise(it) !in texts }
        withClue("README blocks with no identical region in ${snippetDirs.map { it.relativeTo(root) }}:\n" +
            untested.joinToString("\n---\n") { normalise(it) }) { untested.shouldBeEmpty() }
        val unused = regions.filter { (_, v) -> v.second !in blocks.map(::normalise).toSet() }.keys
        withClue("marked regions that no README block shows (stale?)") { unused.shouldBeEmpty() }
        runHere shouldContainAll regions.values.map { it.first }.toSet()
    }

    test("every ./fluxion command in the README's bash blocks is one the launcher knows") {
        val launcher = File(root, "fluxion").readText()
        val known = Regex("""^\s+([a-z|-]+)\)\s*$""", RegexOption.MULTILINE).findAll(launcher)
            .flatMap { it.groupValues[1].split("|") }.toSet()
        val used = fencedBlocks(readme, setOf("bash", "sh")).flatMap { Regex("""\./fluxion\s+([a-z-]+)""").findAll(it).map { m -> m.groupValues[1] } }
        used.isEmpty() shouldBe false
        withClue("launcher commands: $known") { (used.toSet() - known).shouldBeEmpty() }
    }

    test("the Java quick start runs: the solve succeeds, sol.at(2.5) is the saved state at 2.5, the adjoint gradient is right to its tolerance") {
        val r = QuickStartJava.run()
        r.sol().retcode() shouldBe ReturnCode.SUCCESS
        r.sol().size() shouldBe 101
        r.atTwoAndAHalf().toDoubleArray().toList() shouldBe r.sol().u(25).toDoubleArray().toList()
        // the same loss differentiated by forward duals at tight tolerances; the quick start's
        // default tolerances (rtol 1e-3) leave an error of ~0.2 % of the gradient's size
        val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
        val ref = AD.gradient({ q ->
            dev.fluxion.diffeq.OdeProblem(lotkaVolterra, Tensor.of(1.0, 1.0), 0.0, 10.0, q)
                .solve(dev.fluxion.diffeq.ode.Tsit5(), dev.fluxion.diffeq.SolveOptions.defaults().saveat(0.1).rtol(1e-10).atol(1e-10)
                    .sensealg(dev.fluxion.diffeq.sensitivity.ForwardDuals()))
                .u().minus(1.0).square().sum()
        }, p).toDoubleArray()
        val g = r.g().toDoubleArray()
        val scale = ref.maxOf { Math.abs(it) }
        for (i in g.indices) withClue("dL/dp$i: ${g.toList()} vs ${ref.toList()}") { Math.abs(g[i] - ref[i]) shouldBeLessThan 0.01 * scale }
    }

    test("the SDE quick start runs: SOSRI succeeds on the seeded path, the same seed gives the same path, a finite gradient") {
        val r = SdeQuickStartJava.run()
        r.sol().retcode() shouldBe ReturnCode.SUCCESS
        r.sol().size() shouldBe 101
        r.again().u().toDoubleArray().toList() shouldBe r.sol().u().toDoubleArray().toList()
        r.g().toDoubleArray().all { it.isFinite() && it != 0.0 } shouldBe true
    }

    test("the Kotlin quick start runs: solution saved at 0:0.1:10 and a finite gradient") {
        val (sol, g) = quickStartKotlin()
        sol.retcode() shouldBe ReturnCode.SUCCESS
        sol.size() shouldBe 101
        g.size() shouldBe 4
        g.toDoubleArray().all { it.isFinite() && it != 0.0 } shouldBe true
    }

    test("the README's neural ODE trains: 300 Adam iterations cut the spiral loss a hundredfold") {
        val (before, after) = NeuralOdeJava.run().let { it[0] to it[1] }
        println("README neural ODE: loss $before -> $after")
        after shouldBeLessThan before / 100
    }

    test("the README's ensemble quick start runs: the parallel gradient equals the serial one, the GBM mean is e^{0.8 t} within 4 standard errors") {
        val r = dev.fluxion.examples.readme.EnsembleJava.run()
        r.loss().item().isFinite() shouldBe true
        val g = r.gradient().toDoubleArray()
        val gs = r.serialGradient().toDoubleArray()
        for (i in g.indices) Math.abs(g[i] - gs[i]) shouldBeLessThan 1e-12 * Math.max(1.0, Math.abs(gs[i]))
        val s = r.summary()
        val mean = s.mean().toDoubleArray()
        val sd = s.std().toDoubleArray()
        for (j in s.t().indices) Math.abs(mean[j] - Math.exp(0.8 * s.t()[j])) shouldBeLessThan 4 * sd[j] / Math.sqrt(1000.0) + 1e-12
    }

    test("the README's AD calls give the known derivatives") {
        val p = Tensor.of(0.5, -1.0, 2.0)
        val v = Tensor.of(1.0, 2.0, 3.0)
        val w = Tensor.of(-1.0, 0.5, 1.0)
        val a = Tensor.of(1.0, 2.0)
        val b = Tensor.of(3.0, 4.0)
        val r = AdApiJava.run(p, v, w, a, b)   // g, J, jv, vj, hv, gs[0], gs[1]
        val pd = p.toDoubleArray()
        val sech2 = pd.map { 1 - tanh(it) * tanh(it) }
        fun Tensor.close(expected: List<Double>) = toDoubleArray().toList().zip(expected).forEach { (x, y) -> x shouldBe (y plusOrMinus 1e-12) }
        r[0].close(pd.map { 3 * it * it })
        r[1].close(List(9) { k -> if (k / 3 == k % 3) sech2[k / 3] else 0.0 })
        r[2].close(sech2.indices.map { sech2[it] * v.toDoubleArray()[it] })
        r[3].close(sech2.indices.map { sech2[it] * w.toDoubleArray()[it] })
        r[4].close(pd.indices.map { 6 * pd[it] * v.toDoubleArray()[it] })
        r[5].close(listOf(3.0, 4.0))
        r[6].close(listOf(1.0, 2.0))
    }

    test("the README's custom op is tanh with its hand-written VJP") {
        val softclip = CustomOpJava.softclip()
        val x = Tensor.of(-2.0, 0.0, 0.7)
        softclip.apply(x).toDoubleArray().zip(x.toDoubleArray()).forEach { (y, xi) -> y shouldBe (tanh(xi) plusOrMinus 1e-15) }
        val grad = AD.gradient({ q -> softclip.apply(q).sum() }, x).toDoubleArray()
        for (i in grad.indices) grad[i] shouldBe ((1 - tanh(x.toDoubleArray()[i]).let { it * it }) plusOrMinus 1e-14)
    }
})

private val lotkaVolterra = dev.fluxion.diffeq.OdeFunction { u, p, _ ->
    val x = u.get(0)
    val y = u.get(1)
    Tensor.stack(p.get(0).times(x).minus(p.get(1).times(x).times(y)), p.get(3).times(x).times(y).minus(p.get(2).times(y)))
}

/** The fenced blocks of a Markdown text whose info string is one of langs. */
internal fun fencedBlocks(md: String, langs: Set<String>): List<String> {
    val out = mutableListOf<String>()
    var current: StringBuilder? = null
    for (line in md.lines()) {
        val t = line.trim()
        if (current == null) {
            if (t.startsWith("```") && t.removePrefix("```").trim() in langs) current = StringBuilder()
        } else if (t == "```") {
            out += current.toString()
            current = null
        } else {
            current.append(line).append('\n')
        }
    }
    return out
}

/** Regions between `// README:begin NAME` and `// README:end`, by name, parts of one name joined in order, normalised. */
internal fun markedRegions(source: String): Map<String, String> {
    val parts = linkedMapOf<String, MutableList<String>>()
    var name: String? = null
    val buf = mutableListOf<String>()
    for (line in source.lines()) {
        val t = line.trim()
        when {
            t.startsWith("// README:begin ") -> {
                check(name == null) { "nested README:begin in a snippet file" }
                name = t.removePrefix("// README:begin ").trim()
                buf.clear()
            }
            t == "// README:end" -> {   // a part's blank last line separates it from the next part
                parts.getOrPut(checkNotNull(name) { "README:end without begin" }) { mutableListOf() } += dedent(buf.joinToString("\n"))
                name = null
            }
            name != null -> buf += line
        }
    }
    check(name == null) { "README:begin $name without end" }
    return parts.mapValues { (_, p) -> normalise(p.joinToString("\n")) }
}

private fun dedent(text: String): String {
    val lines = text.lines()
    val indent = lines.filter { it.isNotBlank() }.minOfOrNull { l -> l.takeWhile { it == ' ' }.length } ?: 0
    return lines.joinToString("\n") { if (it.isBlank()) "" else it.substring(indent) }
}

/** Dedented, trailing spaces dropped, no leading or trailing blank lines. */
internal fun normalise(text: String): String =
    dedent(text).lines().map { it.trimEnd() }.dropWhile { it.isEmpty() }.dropLastWhile { it.isEmpty() }.joinToString("\n")
