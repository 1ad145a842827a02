import FuzzDriver

runFuzzer { data, count in fuzzInteractionsCSV(data, count) }
