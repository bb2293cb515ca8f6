import * as net from 'node:net';

/** A loopback port nothing listens on (a free one to start a server on, or a closed one to fail against): taken from the OS, then released. */
export function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
