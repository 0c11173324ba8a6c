/** scripts/containers/oci-runtime.sh ready to install, handing over to `runc` (default /usr/sbin/runc). */
export function ociRuntimeScript(runc?: string): string;
