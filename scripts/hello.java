// hello.java: ./fluxion script hello.java
import dev.fluxion.autodiff.AD;
import dev.fluxion.tensor.Tensor;

public class Hello {
    public static void main(String[] args) {
        System.out.println(AD.gradient(x -> x.square().sum(), Tensor.of(1.0, 2.0)));   // Tensor[2](2.0, 4.0)
    }
}
