package dev.fluxion.autodiff

import io.kotest.core.spec.style.FunSpec

/** Derivatives of every op in OpCatalog.broadcasting, in every AD mode, against finite differences. */
class BroadcastGradSpec : FunSpec({
    derivativeProperties(OpCatalog.broadcasting, seed = 202L)
})
