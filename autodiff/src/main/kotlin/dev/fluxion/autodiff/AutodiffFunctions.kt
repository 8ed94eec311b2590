@file:JvmName("AutodiffFunctions")

package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor

// Kotlin's trailing-lambda forms of the AD entry points: gradient(p) { q -> loss(q) }.

/** Gradient of a scalar-valued [f] at [x] (reverse mode). */
fun gradient(x: Tensor, f: (Tensor) -> Tensor): Tensor = AD.gradient(TensorFunction(f), x)

/** Value of [f] at [x] and its gradient. */
fun valueAndGradient(x: Tensor, f: (Tensor) -> Tensor): ValueAndGradient = AD.valueAndGradient(TensorFunction(f), x)

/** Gradients of a scalar-valued [f] with respect to each of [xs]. */
fun gradients(vararg xs: Tensor, f: (Array<Tensor>) -> Tensor): Array<Tensor> = AD.gradients(MultiTensorFunction(f), *xs)

/** Jacobian of [f] at [x] by forward mode. */
fun jacobian(x: Tensor, f: (Tensor) -> Tensor): Tensor = AD.jacobian(TensorFunction(f), x)

/** Jacobian-vector product J·[v] of [f] at [x]. */
fun jvp(x: Tensor, v: Tensor, f: (Tensor) -> Tensor): Tensor = AD.jvp(TensorFunction(f), x, v)

/** Vector-Jacobian product [w]ᵀ·J of [f] at [x]. */
fun vjp(x: Tensor, w: Tensor, f: (Tensor) -> Tensor): Tensor = AD.vjp(TensorFunction(f), x, w)

/** Hessian-vector product of a scalar [f] at [x]. */
fun hvp(x: Tensor, v: Tensor, f: (Tensor) -> Tensor): Tensor = AD.hvp(TensorFunction(f), x, v)

/** Hessian of a scalar [f] at [x]. */
fun hessian(x: Tensor, f: (Tensor) -> Tensor): Tensor = AD.hessian(TensorFunction(f), x)

/** [f] applied with its interior recomputed in the backward pass. */
fun checkpoint(vararg xs: Tensor, f: (Array<Tensor>) -> Tensor): Tensor = AD.checkpointAll(MultiTensorFunction(f), *xs)

/** Runs [body] without recording on any reverse tape. */
fun <T> noGrad(body: () -> T): T = AD.noGrad(body)
