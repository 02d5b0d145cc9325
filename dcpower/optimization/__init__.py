"""The optimization: model build, reliability rules, HiGHS solve and read-back."""
