package dev.fluxion.diffeq.ode

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.max
import kotlin.math.pow

/**
 * Checks every Runge–Kutta tableau against Butcher's order conditions, generated from the rooted
 * trees rather than listed by hand: row sums c_i = Σ_j a_ij, Σ_i b_i Φ_i(τ) = 1/γ(τ) for every tree
 * up to the method's order, the same for the embedded weights b − btilde up to the embedded
 * order, and, for a method's own interpolant, b_i(1) = b_i and the continuous conditions
 * Σ_i b_i(θ) Φ_i(τ) = θ^|τ|/γ(τ) up to the interpolant's order (extra stages included).
 *
 * Tolerances: 1e-12 for the low-order methods. For Verner's methods, whose coefficients are large
 * and partly cancel, ten times the largest residual measured in double precision (the 50-digit
 * coefficients are exact to ~1e-38):
 *  - Vern7: row sums 2.9e-15, b 4.0e-15, bhat 1.9e-15, b_i(1) − b_i 1.0e-13, interpolant up to
 *    order 6 1.25e-14; the order-7 interpolant conditions of the published coefficients hold only
 *    to 2.6e-7 (a defect of the published data, not of rounding; see Verner7Tableau), so they get
 *    3e-6.
 *  - Vern9: row sums 2.44e-15, b 3.05e-16, bhat 5.55e-16, b_i(1) − b_i 9.1e-13, interpolant
 *    2.03e-13.
 */
class TableauOrderConditionsSpec : FunSpec({

    class Tolerances(
        val rowSums: Double,
        val weights: Double,
        val embedded: Double,
        val interpolantAtOne: Double,
        /** tolerance of the continuous order conditions of a given tree order */
        val interpolant: (Int) -> Double,
    )

    val lowOrder = Tolerances(1e-12, 1e-12, 1e-12, 1e-12) { 1e-12 }
    val cases = listOf(
        ClassicalTableaus.EULER to lowOrder,
        ClassicalTableaus.MIDPOINT to lowOrder,
        ClassicalTableaus.HEUN to lowOrder,
        ClassicalTableaus.RK4 to lowOrder,
        BogackiShampineTableau.BS3 to lowOrder,
        DormandPrinceTableau.DP5 to lowOrder,
        TsitourasTableau.TSIT5 to lowOrder,
        Verner7Tableau.VERN7 to Tolerances(3e-14, 4e-14, 2e-14, 1e-12) { n -> if (n <= 6) 1.3e-13 else 3e-6 },
        Verner9Tableau.VERN9 to Tolerances(2.5e-14, 3.1e-15, 5.6e-15, 1e-11) { 2.1e-12 },
    )

    val trees = RootedTrees.upTo(9)

    test("the tree generator yields Butcher's tree counts 1, 1, 2, 4, 9, 20, 48, 115, 286") {
        val counts = IntArray(10)
        for (t in trees) counts[t.order]++
        counts.drop(1) shouldBe listOf(1, 1, 2, 4, 9, 20, 48, 115, 286)
        // γ of the tall tree of order 4 is 4·3·2·1, of the bushy one 4
        trees.filter { it.order == 4 }.map { it.gamma }.sorted() shouldBe listOf(4.0, 8.0, 12.0, 24.0)
    }

    for ((tableau, tol) in cases) {
        val s = tableau.stages()
        val interpolant = tableau.interpolant()
        val total = interpolant?.totalStages() ?: s

        // Full matrix and nodes, extra (interpolation-only) stages appended.
        val a = Array(total) { DoubleArray(total) }
        val c = DoubleArray(total)
        for (i in 0 until s) {
            c[i] = tableau.c(i)
            for (j in 0 until i) a[i][j] = tableau.a(i, j)
        }
        if (interpolant != null) {
            for (r in 0 until interpolant.extraStages()) {
                c[s + r] = interpolant.cExtra(r)
                interpolant.aExtraRow(r).copyInto(a[s + r])
            }
        }
        val maxOrder = max(tableau.order(), interpolant?.order() ?: 0)
        val used = trees.filter { it.order <= maxOrder }
        val phi = ElementaryWeights(a, used).phi

        fun maxResidualPerOrder(weights: DoubleArray, upTo: Int, target: (RootedTree) -> Double): DoubleArray {
            val worst = DoubleArray(upTo + 1)
            for ((t, tree) in used.withIndex()) {
                if (tree.order > upTo) continue
                var acc = 0.0
                for (i in weights.indices) acc += weights[i] * phi[t][i]
                worst[tree.order] = max(worst[tree.order], abs(acc - target(tree)))
            }
            return worst
        }

        context(tableau.toString()) {
            test("row sums: c_i = Σ_j a_ij, extra stages included") {
                for (i in 0 until total) {
                    var sum = 0.0
                    for (j in 0 until i) sum += a[i][j]
                    withClue("stage ${i + 1}") { abs(sum - c[i]) shouldBeLessThanOrEqual tol.rowSums }
                }
            }

            test("propagated solution b satisfies the order conditions up to order ${tableau.order()}") {
                val b = DoubleArray(s) { tableau.b(it) }
                val worst = maxResidualPerOrder(b, tableau.order()) { 1.0 / it.gamma }
                for (n in 1..tableau.order()) {
                    withClue("trees of order $n") { worst[n] shouldBeLessThanOrEqual tol.weights }
                }
            }

            if (tableau.adaptive()) {
                test("embedded solution b − btilde satisfies the order conditions up to order ${tableau.embeddedOrder()}") {
                    val bhat = DoubleArray(s) { tableau.b(it) - tableau.btilde(it) }
                    val worst = maxResidualPerOrder(bhat, tableau.embeddedOrder()) { 1.0 / it.gamma }
                    for (n in 1..tableau.embeddedOrder()) {
                        withClue("trees of order $n") { worst[n] shouldBeLessThanOrEqual tol.embedded }
                    }
                }
            }

            if (interpolant != null) {
                test("interpolant reproduces b at θ = 1 and gives extra stages no weight there") {
                    val w = DoubleArray(total)
                    interpolant.weights(1.0, w)
                    for (i in 0 until total) {
                        val expected = if (i < s) tableau.b(i) else 0.0
                        withClue("stage ${i + 1}") { abs(w[i] - expected) shouldBeLessThanOrEqual tol.interpolantAtOne }
                    }
                }

                for (theta in listOf(0.3, 0.7)) {
                    test("interpolant satisfies the continuous order conditions up to order ${interpolant.order()} at θ = $theta") {
                        val w = DoubleArray(total)
                        interpolant.weights(theta, w)
                        val worst = maxResidualPerOrder(w, interpolant.order()) { theta.pow(it.order) / it.gamma }
                        for (n in 1..interpolant.order()) {
                            withClue("trees of order $n") { worst[n] shouldBeLessThanOrEqual tol.interpolant(n) }
                        }
                    }
                }
            }
        }
    }
})
