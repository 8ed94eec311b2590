package dev.fluxion.autodiff

import io.kotest.core.spec.style.FunSpec

/** Derivatives of every op in OpCatalog.reductions, in every AD mode, against finite differences. */
class ReductionGradSpec : FunSpec({
    derivativeProperties(OpCatalog.reductions, seed = 303L)
})
