package dev.fluxion.autodiff

import io.kotest.core.spec.style.FunSpec

/** Derivatives of every op in OpCatalog.linalg, in every AD mode, against finite differences. */
class LinalgGradSpec : FunSpec({
    derivativeProperties(OpCatalog.linalg, seed = 505L)
})
