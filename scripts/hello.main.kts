// hello.main.kts: ./fluxion script hello.main.kts
import dev.fluxion.autodiff.gradient
import dev.fluxion.tensor.*

println(gradient(tensorOf(1.0, 2.0)) { x -> x.square().sum() })   // Tensor[2](2.0, 4.0)
