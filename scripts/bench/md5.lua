-- MD5 (RFC 1321) in LuaJIT's bit library: wrk has no hashing of its own, and every digest
-- answer needs one. Checked against Python's hashlib by scripts/bench-provisioning.
local bit = require("bit")
local band, bor, bxor, bnot, lshift, rshift, rol, tobit = bit.band, bit.bor, bit.bxor, bit.bnot, bit.lshift, bit.rshift, bit.rol, bit.tobit

local K = {}
for i = 0, 63 do K[i] = tobit(math.floor(math.abs(math.sin(i + 1)) * 2 ^ 32)) end
local S = { 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
            5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 }

local function hex(x)
  return string.format("%02x%02x%02x%02x", band(x, 0xff), band(rshift(x, 8), 0xff), band(rshift(x, 16), 0xff), band(rshift(x, 24), 0xff))
end

function md5(msg)
  local len = #msg
  local bits = len * 8
  msg = msg .. "\128" .. string.rep("\0", (55 - len) % 64)
    .. string.char(band(bits, 0xff), band(rshift(bits, 8), 0xff), band(rshift(bits, 16), 0xff), band(rshift(bits, 24), 0xff), 0, 0, 0, 0)
  local a0, b0, c0, d0 = tobit(0x67452301), tobit(0xefcdab89), tobit(0x98badcfe), tobit(0x10325476)
  local M = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local b1, b2, b3, b4 = string.byte(msg, chunk + i * 4, chunk + i * 4 + 3)
      M[i] = bor(b1, lshift(b2, 8), lshift(b3, 16), lshift(b4, 24))
    end
    local A, B, C, D = a0, b0, c0, d0
    for i = 0, 63 do
      local F, g
      if i < 16 then F = bor(band(B, C), band(bnot(B), D)); g = i
      elseif i < 32 then F = bor(band(D, B), band(bnot(D), C)); g = (5 * i + 1) % 16
      elseif i < 48 then F = bxor(B, C, D); g = (3 * i + 5) % 16
      else F = bxor(C, bor(B, bnot(D))); g = (7 * i) % 16 end
      F = tobit(F + A + K[i] + M[g])
      A, D, C = D, C, B
      B = tobit(B + rol(F, S[i + 1]))
    end
    a0, b0, c0, d0 = tobit(a0 + A), tobit(b0 + B), tobit(c0 + C), tobit(d0 + D)
  end
  return hex(a0) .. hex(b0) .. hex(c0) .. hex(d0)
end
