/* MathJax is not bundled (it would be fetched from the network); formulas stay as text. */
