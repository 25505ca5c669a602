package io.gatewaystack.server.cli;

import picocli.CommandLine;

/** The version from the jar manifest ("dev" when run from classes). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"gatewaystack " + (v == null ? "dev" : v)};
    }
}
