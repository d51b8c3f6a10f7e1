/**
 * @classification NATO SECRET
 * @author jm
 */
