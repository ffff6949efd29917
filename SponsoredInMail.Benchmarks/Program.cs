using SponsoredInMail.Benchmarks;

// Exit codes: 0 = measured and verified, 1 = the index and SQL disagree (or the run failed), 2 = bad command line.
return await CommandLine.RunAsync(args);
