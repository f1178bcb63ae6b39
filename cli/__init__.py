"""`bench`: the command line, the top layer. It parses arguments and calls the library (harness/,
leaderboard/); no training or ranking logic lives here."""
