"""The parts of the messaging protocol that jupyter_kernel_test does not cover, checked with jupyter_client itself.

Run by test/conformance.test.ts with JUPYTER_PATH pointing at a fresh `downhill kernel install --prefix`.
"""
import os
import time
import unittest
from queue import Empty

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

TIMEOUT = 60


class Protocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="downhill", startup_timeout=60)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()

    def flush(self):
        for get in (self.kc.get_shell_msg, self.kc.get_iopub_msg):
            while True:
                try:
                    get(timeout=0.2)
                except Empty:
                    break

    def outputs_of(self, msg_id):
        """The iopub messages of one request, up to its idle status."""
        out = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out
            out.append(msg)

    def reply_to(self, msg_id):
        while True:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def run_cell(self, code):
        msg_id = self.kc.execute(code)
        reply = self.reply_to(msg_id)
        return reply, self.outputs_of(msg_id)

    def test_kernel_info_has_status_and_the_real_typescript_version(self):
        self.flush()
        reply = self.reply_to(self.kc.kernel_info())
        content = reply["content"]
        self.assertEqual(content["status"], "ok")
        self.assertEqual(content["protocol_version"], "5.3")
        self.assertEqual(content["implementation"], "downhill")
        self.assertRegex(content["language_info"]["version"], r"^5\.\d+\.\d+$")
        self.assertNotEqual(content["language_info"]["version"], "3.7.2")
        self.assertIn("TypeScript " + content["language_info"]["version"], content["banner"])
        self.assertTrue(all(link["url"].startswith("https://") for link in content["help_links"]))

    def test_comm_info_is_answered_with_comm_info_reply(self):
        self.flush()
        msg = self.kc.session.msg("comm_info_request", {"target_name": "jupyter.widget"})
        self.kc.shell_channel.send(msg)
        reply = self.reply_to(msg["header"]["msg_id"])
        self.assertEqual(reply["msg_type"], "comm_info_reply")
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})

    def test_comm_open_is_closed_politely_without_an_error_output(self):
        self.flush()
        msg = self.kc.session.msg("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget", "data": {}})
        self.kc.shell_channel.send(msg)
        outputs = self.outputs_of(msg["header"]["msg_id"])
        kinds = [m["msg_type"] for m in outputs]
        self.assertEqual(kinds, ["status", "comm_close"])
        self.assertEqual(outputs[1]["content"]["comm_id"], "c1")

    def test_requests_queued_behind_an_error_are_aborted_and_later_ones_run(self):
        self.flush()
        failing = self.kc.execute('throw new Error("first")')
        queued = [self.kc.execute("1"), self.kc.execute("2")]
        replies = [self.reply_to(failing)] + [self.reply_to(q) for q in queued]
        self.assertEqual([r["content"]["status"] for r in replies], ["error", "aborted", "aborted"])
        time.sleep(0.1)
        reply, outputs = self.run_cell("3")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"], ["3"])

    def test_execute_input_and_execute_result_carry_the_execution_count(self):
        self.flush()
        reply, outputs = self.run_cell("21 * 2")
        count = reply["content"]["execution_count"]
        inputs = [m for m in outputs if m["msg_type"] == "execute_input"]
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(inputs[0]["content"], {"code": "21 * 2", "execution_count": count})
        self.assertEqual(results[0]["content"]["execution_count"], count)
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")

    def test_a_downhill_error_shows_the_problem_the_fix_and_the_cell_line(self):
        self.flush()
        reply, outputs = self.run_cell('import * as dh from "downhill";\nconst opt = dh.optim.sgd({ lr: -1 });')
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "DownhillError")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        tb = "\n".join(errors[0]["content"]["traceback"])
        self.assertIn("learning rate must be greater than 0", tb)
        self.assertIn("Fix: ", tb)
        self.assertRegex(tb, r"in cell \[\d+\], line 2:")
        self.assertIn("--> 2 | const opt = dh.optim.sgd({ lr: -1 });", tb)
        self.assertNotIn("dist/", tb)
        self.assertNotIn("node_modules", tb)
        self.assertEqual([m for m in outputs if m["msg_type"] == "stream"], [], "no stderr dump besides the error")

    def test_a_figure_returned_as_the_cell_value_is_a_chart(self):
        self.flush()
        reply, outputs = self.run_cell('import * as dh from "downhill";\ndh.plot.lineChart({ y: [3, 2, 1] })')
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1)
        data = results[0]["content"]["data"]
        self.assertIn("application/vnd.plotly.v1+json", data)
        self.assertIn("text/plain", data)
        self.assertNotIn("text/html", data, "no HTML or script: viewers without a Plotly renderer show the PNG")
        self.assertEqual(data["application/vnd.plotly.v1+json"]["data"][0]["y"], [3, 2, 1])

    def test_interrupt_stops_a_busy_loop_and_the_kernel_goes_on(self):
        self.flush()
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1.5)
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        time.sleep(0.1)
        self.flush()
        reply, _ = self.run_cell("1 + 1")
        self.assertEqual(reply["content"]["status"], "ok")


class NbClient(unittest.TestCase):
    def test_nbclient_runs_a_notebook_with_execution_counts_and_errors(self):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell("const xs = [1, 2, 3];\nconsole.log(xs.length)"),
            nbformat.v4.new_code_cell("xs.reduce((a, b) => a + b, 0)"),
            nbformat.v4.new_code_cell('throw new TypeError("on purpose")'),
            nbformat.v4.new_code_cell("xs.length * 10"),
        ]
        NotebookClient(nb, kernel_name="downhill", timeout=TIMEOUT, allow_errors=True, startup_timeout=60).execute()
        self.assertEqual([c.execution_count for c in nb.cells], [1, 2, 3, 4])
        self.assertEqual(nb.cells[0].outputs[0]["text"], "3\n")
        self.assertEqual(nb.cells[1].outputs[0]["data"]["text/plain"], "6")
        error = nb.cells[2].outputs[0]
        self.assertEqual((error["output_type"], error["ename"], error["evalue"]), ("error", "TypeError", "on purpose"))
        self.assertEqual(nb.cells[3].outputs[0]["data"]["text/plain"], "30")
        self.assertEqual(nb.metadata["language_info"]["name"], "typescript")
        self.assertRegex(nb.metadata["language_info"]["version"], r"^5\.")


if __name__ == "__main__":
    unittest.main()
