/* pyselect.c - the Python frame the py commands look at: selected in the thread lurk selected */
#include <string.h>

#include "py.h"

/*
 * The selection lives for one stop of the process, in one thread: a resume
 * (LURK_GEN_STOP) or another selected thread starts again at frame 0, the
 * innermost Python frame, as gdb's frame selection does.
 */
int py_selected_index(const struct py *py)
{
	struct py_plugin *plugin = api->plugin_data(py->self);

	if (!plugin || plugin->selected_stop != api->generation(py->self, LURK_GEN_STOP) ||
	    plugin->selected_thread != api->selected_thread(py->self))
		return 0;
	return plugin->selected_frame;
}

void py_select_index(const struct py *py, int index)
{
	struct py_plugin *plugin = api->plugin_data(py->self);

	if (!plugin)
		return;
	plugin->selected_stop = api->generation(py->self, LURK_GEN_STOP);
	plugin->selected_thread = api->selected_thread(py->self);
	plugin->selected_frame = index;
}

struct nth_frame {
	int want, at;
	struct py_frame *f;
};

static int take_nth(void *arg, const struct py_frame *f)
{
	struct nth_frame *n = arg;

	if (n->at++ != n->want)
		return 0;
	*n->f = *f;
	return 1;
}

int py_selected_frame(const struct py *py, struct py_thread *t, struct py_frame *f, int *index)
{
	return py_nth_frame(py, py_selected_index(py), t, f, index);
}

int py_nth_frame(const struct py *py, int want, struct py_thread *t, struct py_frame *f, int *index)
{
	int thread = api->selected_thread(py->self);
	struct nth_frame n = { want, 0, f };

	if (py_thread_find(py, thread, -1, t) < 0) {
		api->error(py->self, "thread %d is not a Python thread", thread);
		return -1;
	}
	memset(f, 0, sizeof(*f));
	py_frames_each(py, t, take_nth, &n, NULL);
	if (n.at <= n.want) {
		api->error(py->self, "thread %d has no Python frame %d (it has %d)", thread, n.want,
			   n.at);
		return -1;
	}
	if (index)
		*index = n.want;
	return 0;
}
