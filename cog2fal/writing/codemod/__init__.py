"""The machinery the rewrite rules run on, as LibCST's codemod framework is to its codemods: the
context the rules share (context.py), the rule base class and how a list of rules is applied
(rule.py), the statement-skeleton walk (statements.py), the base of the rules that rewrite
entrypoint signatures (signatures.py) and the final print (printing.py). The rules themselves,
and the ordered registry, live in writing/rewrites/."""
