"""``python -m redline``: the same command line as the ``redline`` script."""

from redline.cli import main

if __name__ == "__main__":
    main()
