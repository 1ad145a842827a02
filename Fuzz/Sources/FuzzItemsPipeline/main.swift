import FuzzDriver

runFuzzer { data, count in fuzzItemsPipeline(data, count) }
