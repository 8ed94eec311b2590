package dev.fluxion.diffeq

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import dev.fluxion.tensor.Tensor
import java.io.File

/**
 * Reference data from the repository's testdata/reference (SciPy at 1e-13; gradients from forward
 * sensitivities; see the README there). Found from the system property `fluxion.testdata` (the
 * build sets it to the repository's testdata/), else by walking up from the working directory to
 * the first folder holding testdata/reference. Nothing outside the repository is read.
 */
object Reference {
    private val dir: File by lazy {
        val candidates = listOfNotNull(System.getProperty("fluxion.testdata")?.let { File(it, "reference") }) +
            generateSequence(File("").absoluteFile) { it.parentFile }.map { File(it, "testdata/reference") }
        candidates.firstOrNull { File(it, "lotka_volterra.json").isFile }?.canonicalFile
            ?: error("cannot find testdata/reference (looked in ${candidates.joinToString()})")
    }

    fun load(name: String): JsonNode = ObjectMapper().readTree(File(dir, name))

    fun JsonNode.doubles(): DoubleArray = DoubleArray(size()) { get(it).asDouble() }
    fun JsonNode.matrix(): Array<DoubleArray> = Array(size()) { get(it).doubles() }
    fun JsonNode.tensor(): Tensor = Tensor.of(*doubles())
}

/** Max over rows of ||a_i − b_i|| / ||b_i||. */
fun maxRelativeError(a: Array<DoubleArray>, b: Array<DoubleArray>): Double {
    require(a.size == b.size) { "row counts differ: ${a.size} vs ${b.size}" }
    var worst = 0.0
    for (i in a.indices) {
        var num = 0.0
        var den = 0.0
        for (j in a[i].indices) {
            num += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j])
            den += b[i][j] * b[i][j]
        }
        worst = maxOf(worst, Math.sqrt(num) / maxOf(Math.sqrt(den), 1e-300))
    }
    return worst
}

/** max |a_i − b_i| / max |b_i|: how far a gradient is from the one it should equal, relative to its size. */
fun relativeGap(a: DoubleArray, b: DoubleArray): Double {
    var num = 0.0
    var den = 0.0
    for (i in a.indices) {
        num = maxOf(num, Math.abs(a[i] - b[i]))
        den = maxOf(den, Math.abs(b[i]))
    }
    return num / den
}

fun Tensor.rows(): Array<DoubleArray> {
    val n = shape().dim(0)
    val m = size() / n
    val d = toDoubleArray()
    return Array(n) { i -> d.copyOfRange(i * m, (i + 1) * m) }
}
