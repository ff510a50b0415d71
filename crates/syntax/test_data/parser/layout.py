# comment at the top

def f() -> int:   # trailing comment
	# a tab-indented comment line
	return 1   


print(f())
