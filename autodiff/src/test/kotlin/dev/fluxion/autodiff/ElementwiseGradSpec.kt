package dev.fluxion.autodiff

import io.kotest.core.spec.style.FunSpec

/** Derivatives of every op in OpCatalog.elementwise, in every AD mode, against finite differences. */
class ElementwiseGradSpec : FunSpec({
    derivativeProperties(OpCatalog.elementwise, seed = 101L)
})
