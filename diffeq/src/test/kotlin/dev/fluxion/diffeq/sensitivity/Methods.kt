package dev.fluxion.diffeq.sensitivity

import dev.fluxion.diffeq.SensitivityAlgorithm

/** Every reverse-mode method, as tests iterate over them. */
val allMethods: List<SensitivityAlgorithm> = listOf(
    ReverseTape(), ForwardDuals(), ForwardSensitivity(), BacksolveAdjoint(),
    InterpolatingAdjoint(), InterpolatingAdjoint.dense(), QuadratureAdjoint(), GaussAdjoint())
