"""`mqttbed run FILE --shards N --scheduler ADDR --shard-dir DIR`: the CLI becomes this module
(`python3 -m mqttbed.dask_run`, same flags), which runs the shards on the Dask cluster at ADDR
through mqttbed.run(..., client=...) and prints what the CLI prints. Exit codes as the CLI's:
0 passed, 1 a guarantee violated, 2 bad input, 3 a runtime failure (a shard that died)."""
import argparse
import sys

import mqttbed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="mqttbed run --scheduler")
    parser.add_argument("file")
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--scheduler", required=True)
    parser.add_argument("--shard-dir", required=True)
    parser.add_argument("--retry-shards", type=int, default=0)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--out")
    parser.add_argument("--history")
    parser.add_argument("--no-html", action="store_true")
    args = parser.parse_args(argv)
    try:
        from distributed import Client
    except ImportError:
        print("mqttbed: --scheduler needs Dask's distributed package (Debian: "
              "python3-distributed)", file=sys.stderr)
        return 3
    try:
        with Client(args.scheduler, timeout=30) as client:
            result = mqttbed.run(args.file, seed=args.seed, out_dir=args.out,
                                 history=args.history or False, html=not args.no_html,
                                 shards=args.shards, client=client, shard_dir=args.shard_dir,
                                 retry_shards=args.retry_shards)
    except (ValueError, FileNotFoundError) as error:
        print(f"mqttbed: {error}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as error:
        print(f"mqttbed: {error}", file=sys.stderr)
        return 3
    print(f"{result.scenario.get('name')}: seed {result.scenario.get('seed')}, "
          f"{args.shards} shards on {args.scheduler}")
    print(result.summary_text, end="")
    print(f"{'PASSED' if result.passed else 'FAILED'}  report: {result.report_path}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
