#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _log2(_ x: Double) -> Double { log2(x) }
@inline(__always) func _squareRoot(_ x: Double) -> Double { x.squareRoot() }
