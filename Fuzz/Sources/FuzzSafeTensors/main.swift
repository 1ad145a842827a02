import FuzzDriver

runFuzzer { data, count in fuzzSafeTensors(data, count) }
