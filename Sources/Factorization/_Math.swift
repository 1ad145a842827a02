#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func _log1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) func _logarithm(_ x: Double) -> Double { log(x) }
@inline(__always) func _cosine(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sine(_ x: Double) -> Double { sin(x) }
