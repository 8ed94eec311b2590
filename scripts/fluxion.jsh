// `./fluxion shell` runs this after JShell's default start-up: Fluxion's packages, imported.
import dev.fluxion.tensor.*;
import dev.fluxion.autodiff.*;
import dev.fluxion.diffeq.*;
import dev.fluxion.diffeq.ode.*;
import dev.fluxion.diffeq.sensitivity.*;
import dev.fluxion.nn.*;
import dev.fluxion.optim.*;
