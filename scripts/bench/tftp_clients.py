"""N concurrent TFTP clients fetching device files for a while; prints files per second."""
import asyncio
import struct
import sys
import time


class Fetch(asyncio.DatagramProtocol):
    def __init__(self, name, done):
        self.name, self.done, self.size = name, done, 0

    def connection_made(self, transport):
        self.transport = transport
        transport.sendto(b"\x00\x01" + self.name.encode() + b"\x00octet\x00blksize\x001428\x00", SERVER)

    def datagram_received(self, data, addr):
        op = struct.unpack("!H", data[:2])[0]
        if op == 6:
            self.transport.sendto(b"\x00\x04\x00\x00", addr)
        elif op == 3:
            block = data[2:4]
            self.size += len(data) - 4
            self.transport.sendto(b"\x00\x04" + block, addr)
            if len(data) - 4 < 1428 and not self.done.done():
                self.done.set_result(self.size)
        elif op == 5 and not self.done.done():
            self.done.set_exception(RuntimeError(data[4:-1].decode(errors="replace")))


async def client(names, deadline, counts, errors, source="127.0.0.1"):
    loop = asyncio.get_running_loop()
    i = 0
    while time.monotonic() < deadline:
        done = loop.create_future()
        transport, _ = await loop.create_datagram_endpoint(lambda: Fetch(names[i % len(names)], done), local_addr=(source, 0))
        try:
            await asyncio.wait_for(done, 5)
            counts.append(1)
        except Exception:
            errors.append(1)
        finally:
            transport.close()
        i += 1


async def main(port, clients, seconds, names):
    global SERVER
    SERVER = ("127.0.0.1", port)
    counts, errors = [], []
    start = time.monotonic()
    # Each client from its own loopback address, as phones have theirs: the server allows only a
    # few unacknowledged transfers per address (against spoofed floods), so one address for all
    # fifty would measure that limit, not the server.
    await asyncio.gather(*(client(names[k:] + names[:k], start + seconds, counts, errors, f"127.0.1.{k + 2}") for k in range(clients)))
    elapsed = time.monotonic() - start
    print(f"{len(counts) / elapsed:.0f} files/s over TFTP ({clients} concurrent clients, {len(counts)} files in {elapsed:.1f} s, {len(errors)} errors)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]))
