"""dcpower: size and site the uninterruptible power supply of data centers."""
