const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True for a loopback address or name: the machine's own user. */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);
