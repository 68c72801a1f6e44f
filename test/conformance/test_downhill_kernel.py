"""Jupyter's own kernel conformance suite (Debian's python3-jupyter-kernel-test) run on the downhill kernel.

Run by test/conformance.test.ts with JUPYTER_PATH pointing at a fresh `downhill kernel install --prefix`.
Every sample the suite offers is given, so that none of its tests is skipped.
"""
import unittest

import jupyter_kernel_test


class DownhillKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "downhill"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.fl", "matches": {"floor"}},
        {"text": "const downhillValue = 1; downhillV", "matches": {"downhillValue"}},
    ]

    complete_code_samples = ["1", "const x = 1;", "function f() {\n  return 1;\n}", "for (let i = 0; i < 3; i++) {\n  console.log(i);\n}"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "1 +", "if (true) {\n  console.log(1);", "const s = `a template\nover lines"]
    invalid_code_samples = ["1 +)", "const = 5;", "const x = ];", "}"]

    code_generate_error = 'throw new Error("expected failure")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "'down' + 'hill'", "result": "'downhill'"},
    ]

    code_display_data = [
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.png(new Uint8Array([137, 80, 78, 71]))', "mime": "image/png"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = 'import * as dh from "downhill";\ndh.clearOutput()'


if __name__ == "__main__":
    unittest.main()
