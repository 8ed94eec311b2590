package dev.fluxion.diffeq.sde

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeTerm
import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom

/**
 * ForwardDuals' lane runner: a small straight-line program runs one lane more (lane 0 along u) on
 * the caller's whole [u, U] and [y, lanes] arrays; its y and lanes are those of the plain K-lane
 * JVP program bit for bit, written at offset 0 and into another array's middle alike; a u too
 * large for the extra lane keeps K lanes and gives the same numbers.
 */
class LaneRunnerSpec : FunSpec({
    val lv = OdeFunction { u, p, t ->
        val x = u[0]
        val y = u[1]
        Tensor.stack(p[0] * x - p[1] * x * y + t.times(0.1), p[3] * x * y - p[2] * y).exp()
    }
    val rnd = SplittableRandom(7)

    /** [y, lanes] of the K-lane JVP program on x = [u, U] (p's lanes from seeds), as reference. */
    fun reference(f: OdeFunction, p: Tensor, n: Int, k: Int, seeds: DoubleArray?, x: DoubleArray, t: Double): DoubleArray {
        val cf = OdeTerm.of(f).compiled(Tensor.zeros(Shape.of(n)), p)!!
        val r = cf.jvpRunner(k, booleanArrayOf(true, seeds != null, false), Tensor.zeros(Shape.of(n)), p, Tensor.scalar(0.0))!!
        val args = if (seeds != null) arrayOf(x.copyOf(n), p.toDoubleArray(), doubleArrayOf(t), x.copyOfRange(n, n * (1 + k)), seeds)
        else arrayOf(x.copyOf(n), p.toDoubleArray(), doubleArrayOf(t), x.copyOfRange(n, n * (1 + k)))
        val outs = arrayOf(DoubleArray(n), DoubleArray(n * k))
        r.runInto(args, outs)
        return outs[0] + outs[1]
    }

    fun check(f: OdeFunction, p: Tensor, n: Int, k: Int, pLanes: Boolean, whole: Boolean) {
        val np = p.size()
        val seeds = if (pLanes) DoubleArray(k * np) { rnd.nextDouble(-1.0, 1.0) } else null
        val cf = OdeTerm.of(f).compiled(Tensor.zeros(Shape.of(n)), p)!!
        val lr = LaneRunner.of(cf, p, Shape.of(n), k, seeds)!!
        lr.whole() shouldBe whole
        repeat(5) {
            val x = DoubleArray(n * (1 + k)) { rnd.nextDouble(0.5, 1.5) }
            val t = rnd.nextDouble()
            val want = reference(f, p, n, k, seeds, x, t)
            val dst = DoubleArray(n * (1 + k)) { Double.NaN }
            lr.evalInto(x, t, dst, 0)
            dst.toList() shouldBe want.toList()
            val mid = DoubleArray(n * (1 + k) + 3) { Double.NaN }
            lr.evalInto(x, t, mid, 2)
            mid.copyOfRange(2, 2 + n * (1 + k)).toList() shouldBe want.toList()
            mid[0].isNaN().shouldBeTrue()
            mid[mid.size - 1].isNaN().shouldBeTrue()
            lr.eval(x, t).toList() shouldBe want.toList()
        }
    }

    test("a small program runs the extra lane on the whole arrays and gives the K-lane program's values bit for bit, with and without p's lanes") {
        val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
        check(lv, p, 2, 4, pLanes = true, whole = true)
        check(lv, p, 2, 3, pLanes = false, whole = true)
    }

    test("a u larger than the extra lane is worth keeps K lanes, with the same values") {
        val n = LaneRunner.WHOLE_MAX_N + 1
        val mix = OdeFunction { u, p, _ -> u.times(p[0]).sin().plus(u.square().times(p[1])) }
        check(mix, Tensor.of(0.7, -0.3), n, 2, pLanes = true, whole = false)
    }
})
