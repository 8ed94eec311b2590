package dev.fluxion.autodiff

import io.kotest.core.spec.style.FunSpec

/** Derivatives of every op in OpCatalog.shapeOps, in every AD mode, against finite differences. */
class ShapeGradSpec : FunSpec({
    derivativeProperties(OpCatalog.shapeOps, seed = 404L)
})
