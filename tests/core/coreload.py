"""The PT_LOAD segments of an ELF64 core file, for the core test scripts."""
import struct


def loads(core):
    """[(vaddr, offset, filesz)] of every PT_LOAD, in the file's order."""
    with open(core, 'rb') as f:
        head = f.read(64)
        phoff, = struct.unpack_from('<Q', head, 32)
        phentsize, phnum = struct.unpack_from('<HH', head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from('<IIQQQQ', table,
                                                                      i * phentsize)
        if p_type == 1:
            out.append((p_vaddr, p_offset, p_filesz))
    return out
