package dev.fluxion.diffeq.ode

/**
 * A rooted tree in Butcher's sense, given by the multiset of its root's subtrees.
 *
 * @property order    number of vertices |τ|
 * @property gamma    the density γ(τ) = |τ| · Π γ(τ_k) over the root's subtrees τ_k
 * @property children indices, into the list the tree belongs to, of the root's subtrees
 */
internal class RootedTree(val order: Int, val gamma: Double, val children: IntArray)

/**
 * Generates all rooted trees up to a given order, each exactly once: a tree of order n is a root
 * plus a multiset of earlier trees whose orders add up to n − 1, and each multiset is produced
 * once by listing its members in non-increasing index order.
 */
internal object RootedTrees {
    /** All rooted trees of order 1..maxOrder, ordered by order; subtrees always precede their parents. */
    fun upTo(maxOrder: Int): List<RootedTree> {
        val trees = mutableListOf(RootedTree(1, 1.0, IntArray(0)))
        for (n in 2..maxOrder) {
            val existing = trees.size
            val multisets = mutableListOf<IntArray>()
            collect(trees, n - 1, existing - 1, ArrayList(), multisets)
            for (children in multisets) {
                var gamma = n.toDouble()
                for (c in children) gamma *= trees[c].gamma
                trees += RootedTree(n, gamma, children)
            }
        }
        return trees
    }

    private fun collect(
        trees: List<RootedTree>, remaining: Int, maxIndex: Int,
        prefix: ArrayList<Int>, out: MutableList<IntArray>,
    ) {
        if (remaining == 0) {
            out += prefix.toIntArray()
            return
        }
        for (k in maxIndex downTo 0) {
            if (trees[k].order <= remaining) {
                prefix += k
                collect(trees, remaining - trees[k].order, k, prefix, out)
                prefix.removeAt(prefix.size - 1)
            }
        }
    }
}

/**
 * Elementary weights of a Runge–Kutta matrix: `phi[t][i]` = Φ_i(τ_t), the weight of tree τ_t
 * at stage i, with Φ_i(•) = 1 and Φ_i([τ_1, …, τ_m]) = Π_k Σ_j a_ij Φ_j(τ_k).
 * An order condition reads Σ_i w_i Φ_i(τ) = 1/γ(τ) (or θ^|τ|/γ(τ) for a continuous extension).
 */
internal class ElementaryWeights(a: Array<DoubleArray>, trees: List<RootedTree>) {
    val phi: Array<DoubleArray>

    init {
        val stages = a.size
        val aPhi = arrayOfNulls<DoubleArray>(trees.size)
        phi = Array(trees.size) { DoubleArray(0) }
        for ((t, tree) in trees.withIndex()) {
            val p = DoubleArray(stages) { 1.0 }
            for (child in tree.children) {
                val ac = aPhi[child]!!
                for (i in 0 until stages) p[i] *= ac[i]
            }
            phi[t] = p
            aPhi[t] = DoubleArray(stages) { i ->
                var acc = 0.0
                for (j in 0 until i) acc += a[i][j] * p[j]
                acc
            }
        }
    }
}
