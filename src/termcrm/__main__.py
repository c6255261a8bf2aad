"""`python -m termcrm`."""

from termcrm.entry import main

if __name__ == "__main__":
    main()
