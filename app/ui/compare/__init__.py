"""Compare mode (issue 13): two layers side by side, as a bivariate map, a linked scatter and a gap list."""
