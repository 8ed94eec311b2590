package dev.fluxion.tensor;

import java.util.List;

/** Service-provider interface for tensor backends other than the CPU (found with ServiceLoader). */
public interface DeviceProvider {
    /** The devices this backend can use now; empty (or throwing) when its driver is missing. */
    List<Device> devices();
}
