/* notplugin - a shared object that is no lurk plugin: it exports no lurk_plugin_info. */

int notplugin_answer(void);

int notplugin_answer(void)
{
	return 42;
}
